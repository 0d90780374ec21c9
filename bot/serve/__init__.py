"""Serving: the HTTP API, the chat and the widget, the OpenAI endpoint, LangChain, the admin page, limits
and workers."""
