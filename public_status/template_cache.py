"""Compiled templates kept on disk, so that a portal process does not compile them again.

Compiling the portal's templates is half of a process's start (about 0.5 s of CPU, profiled), and
every worker process of `serve --workers N` and every restart did it anew. Jinja's own file cache
keeps each template's compiled code under the user's private temporary directory, keyed by the
template's path and checked against a digest of its source and the Python and Jinja versions, so
an edited template is compiled again.
"""

from __future__ import annotations

import functools
import logging

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

log = logging.getLogger("okienko.portal")


class QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, whose failures never reach a page: a full or read-only disk only means
    the template is compiled in memory, as without a cache (Jinja would raise them into the render)."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as exc:  # a damaged file raises whatever pickle or marshal meet there
            log.debug("compiled template not read from the cache: %s", exc)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template not written to the cache: %s", exc)


@functools.cache
def template_cache() -> QuietBytecodeCache | None:
    """The process's cache, in Jinja's private per-user directory; None where there is none to be had
    (no writable temporary directory, or one that another user owns)."""
    try:
        return QuietBytecodeCache(pattern="okienko-%s.cache")
    except (OSError, RuntimeError) as exc:
        log.info("templates are compiled in each process: %s", exc)
        return None
