"""Speech: text to speech (espeak-ng via pyttsx3) and speech to text (Whisper engines)."""
