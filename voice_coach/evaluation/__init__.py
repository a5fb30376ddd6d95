"""How well scoring works, measured on hand-labelled answers, typed and spoken (beside scoring, above
audio and speech: it synthesizes and records the answers it scores)."""
