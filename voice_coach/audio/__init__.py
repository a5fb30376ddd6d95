"""Audio: reading files, capturing from a microphone or a file, playing back, cue tones."""
