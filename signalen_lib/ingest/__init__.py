"""Step 1, Verzamelen: read exports, map them onto the canonical record, validate, dedupe, store."""
from .load import FileResult, IngestResult, ingest_all, ingest_file, ingest_files, mask_pending
from .readers import FileUnreadable
from .sources import SourceRefused, SourceSpec, get_source, load_register

__all__ = ["FileResult", "IngestResult", "ingest_all", "ingest_file", "ingest_files", "mask_pending",
           "FileUnreadable", "SourceRefused", "SourceSpec", "get_source", "load_register"]
