"""The practice room in the browser (`voice-coach serve`): a local web app over the same engine,
store and reports as the desk."""
