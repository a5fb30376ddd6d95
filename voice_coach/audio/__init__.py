"""Audio: reading files, capturing from a microphone or a file, playing back, cue tones."""

# A canonical 16-bit PCM WAV header (RIFF, fmt and data chunks): a file of this size or less holds
# no audio.
WAV_HEADER_BYTES = 44
