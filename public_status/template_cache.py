"""Compiled templates kept on disk, so that a portal process does not compile them again.

Compiling the templates was most of the portal's warm-up (profiled): a start cost 0.63 s of CPU
with it and costs 0.43 s without. `serve --workers N` compiles before it forks, so its workers
share one compile; the cache saves it at every restart, and in the test suite, which starts the
portal and builds apps hundreds of times. It is Jinja's own file cache, in Jinja's private per-user
directory under the temporary directory (mode 0700, refused when another user owns it).

Jinja checks a cached file only against a digest of the template's text and the Python version,
while the compiled code also depends on the environment that compiled it (autoescaping, the i18n
extension and its gettext style, the syntax settings) and on the Jinja and Flask versions: so the
file's key carries a fingerprint of those too, and an upgrade or another setting compiles anew.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging

import jinja2
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

log = logging.getLogger("okienko.portal")


class QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, keyed also by what compiled the code, whose failures never reach a page:
    a full or read-only disk only means the template is compiled in memory, as without a cache
    (Jinja would raise them into the render)."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        # Jinja's get_bucket, with the environment's fingerprint in the key.
        key = f"{self.get_cache_key(name, filename)}-{environment_fingerprint(environment)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

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


def environment_fingerprint(env: jinja2.Environment) -> str:
    """What the compiled code depends on besides the template's text."""
    autoescape = env.autoescape
    settings = (
        *_compiler_versions(),
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(autoescape)),
        sorted(env.extensions),
        getattr(env, "newstyle_gettext", None),
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
    )  # fmt: skip
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


@functools.cache
def _compiler_versions() -> tuple[str, ...]:
    # Read once: each lookup in the installed packages' metadata costs about 0.3 ms, and the
    # fingerprint is taken for every template an environment loads.
    return jinja2.__version__, importlib.metadata.version("flask"), importlib.metadata.version("flask-babel")


@functools.cache
def template_cache() -> QuietBytecodeCache | None:
    """The process's cache; None where there is none to be had (no writable temporary directory,
    or one that another user owns)."""
    try:
        return QuietBytecodeCache(pattern="okienko-%s.cache")
    except (OSError, RuntimeError) as exc:
        log.info("templates are compiled in each process: %s", exc)
        return None
