"""Ingestion: sources → parse (unstructured) → chunk (llama-index) → embed → upsert."""
