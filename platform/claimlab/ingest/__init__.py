"""Ingestion: review files, arXiv papers, PDFs, saved searches."""
