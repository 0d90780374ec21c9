"""What both kinds of index answer alike from their manifest and languages: the in-memory snapshot
(bot.index.store.Index) and the on-disk records with dense search in Chroma (bot.index.diskindex.DiskIndex)."""

from __future__ import annotations


class IndexBase:
    manifest: dict
    langs: list[str]
    dense_in_chroma = False  # True: dense search goes through Chroma's query (bot/index/diskindex.py)

    @property
    def embedder(self) -> str:
        return self.manifest["embedder"]

    @property
    def version(self) -> str:
        return self.manifest.get("version", "")

    def query_lang(self, question: str) -> str:
        """The language a question is in, among the index's own (the index's main language when unsure)."""
        if len(self.langs) == 1:
            return self.langs[0]
        from bot.ingest.lang import detect

        return detect(question, self.langs, default=self.langs[0])

    def link(self, source: str, anchor: str | None = None) -> str | None:
        """The web address of a document fetched from a website (and of an anchor in it), else None."""
        url = self.manifest.get("files", {}).get(source, {}).get("url")
        return f"{url}#{anchor}" if url and anchor else url
