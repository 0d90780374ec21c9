"""Reading the corpus: files, pages, PDFs and Word documents, websites; languages, sentences and chunks."""
