"""The index: embeddings, Chroma on disk or on a server, the keyword index, syncing with the corpus."""
