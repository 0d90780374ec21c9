"""Answering: retrieval, FAQ entries, the extractive reader and its gate, follow-ups, a language model, citations."""
