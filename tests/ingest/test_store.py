"""The store's Chroma collections as they are created and as a writer finds them."""

from __future__ import annotations

import chromadb

from baocao.settings import Settings
from ingest.segment import segmenter_version
from ingest.store import Store, provenance_of


def _sync_threshold(settings: Settings) -> int:
    client = chromadb.PersistentClient(
        path=str(settings.data_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
    )
    return int(client.get_collection(f"{settings.collection}_documents").configuration_json["hnsw"]["sync_threshold"])


def test_the_manifest_applies_and_saves_each_record_at_once(settings: Settings) -> None:
    # Chroma's default (save every 1,000 records) makes every new process replay the pending
    # records, whole documents, before its first read of the manifest
    with Store.open(settings, provenance_of(settings, "e", 4, segmenter_version()), writable=True):
        pass
    assert _sync_threshold(settings) == 1


def test_a_writer_retunes_a_manifest_made_with_chromas_defaults(settings: Settings) -> None:
    provenance = provenance_of(settings, "e", 4, segmenter_version())
    settings.data_dir.mkdir(parents=True)
    client = chromadb.PersistentClient(
        path=str(settings.data_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
    )
    client.create_collection(
        f"{settings.collection}_sentences",
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=provenance,
    )
    client.create_collection(f"{settings.collection}_documents", embedding_function=None)
    assert _sync_threshold(settings) == 1000
    with Store.open(settings, provenance):  # a reader changes nothing
        pass
    assert _sync_threshold(settings) == 1000
    with Store.open(settings, provenance, writable=True):
        pass
    assert _sync_threshold(settings) == 1
