"""Storage: the whole archive behind one module (schema, writes, reads)."""

from archiver.storage.archive import Archive, RecordResult

__all__ = ["Archive", "RecordResult"]
