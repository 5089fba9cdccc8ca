"""The one rule for whether something a secret detector matched is a real credential.

Real: a provider key in its known format (AWS, GitHub, Stripe live, Slack, private keys...)
anywhere, code or history, unless it is the provider's own documentation example; a keyword
secret (``password = "..."``) whose value looks random, in code or configuration. Not real:
placeholders (``changeme``, ``your-api-key-here``, ``<token>``, ``${SECRET}``, ``xxxx``),
keyword secrets in documentation and example env files (``README.md``, ``.env.example``),
credentials in URLs that point at this machine or a compose service
(``postgres://user:pass@localhost/test``: a local development or test database) and in URLs at
names reserved for examples and tests by RFC 2606/6761 (``ftp://user:pass@example.com``,
``*.test``, ``*.invalid``, ``*.localhost``): nobody can log in there.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import PurePosixPath
from urllib.parse import urlsplit

# Detectors that only say "a keyword is followed by a value": the value decides.
KEYWORD_KINDS = frozenset({"Secret Keyword"})
URL_KINDS = frozenset({"Basic Auth Credentials"})
# Words that make a value a placeholder, compared lowercased.
_PLACEHOLDER_WORDS = (
    "example",
    "changeme",
    "change-me",
    "change_me",
    "your",
    "xxxx",
    "placeholder",
    "dummy",
    "fake",
    "sample",
    "replace",
    "redacted",
    "insert",
    "todo",
    "secret",
    "password",
    "passwd",
    "test",
    "demo",
    "default",
    "sk_test_",
    "pk_test_",
)
_TEMPLATE_MARKERS = ("<", ">", "${", "{{", "%(", "$(", "...", "…", "***", "os.environ", "getenv")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"})
# RFC 2606 / 6761: second-level names and top-level domains that never resolve to anyone's server.
_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = ("test", "example", "invalid", "localhost")
_DOC_SUFFIXES = frozenset({".md", ".rst", ".txt", ".adoc", ".ipynb", ".html"})
_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
# A keyword secret shorter, or more repetitive, than this is a local default, not a key.
MIN_KEYWORD_LENGTH = 10
MIN_KEYWORD_ENTROPY = 3.0  # bits per character


def is_placeholder(value: str) -> bool:
    """A value written to be replaced: a template, a stock word, a run of one character."""
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if any(marker in value for marker in _TEMPLATE_MARKERS):
        return True
    return len(set(value)) <= 2


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def is_documentation(relative: str) -> bool:
    """Prose and example configuration: a README, docs, ``.env.example``."""
    path = PurePosixPath(relative.lower())
    return (
        path.suffix in _DOC_SUFFIXES
        or "docs" in path.parts[:-1]
        or path.name.endswith(_EXAMPLE_SUFFIXES)
        or ".example" in path.name
    )


def _nobody_elses_host(host: str) -> bool:
    """This machine, a single-label (compose) service name, or a name reserved for examples."""
    if host in _LOCAL_HOSTS or (host and "." not in host):
        return True
    labels = host.rstrip(".").split(".")
    return labels[-1] in _RESERVED_TLDS or ".".join(labels[-2:]) in _EXAMPLE_DOMAINS


def is_local_url(line: str) -> bool:
    """Every credential URL on the line points at this machine, a single-label (compose)
    service name or a name reserved for examples (``example.com``, ``*.test``)."""
    hosts = []
    for match in _URL.finditer(line):
        try:
            parts = urlsplit(match.group(0))
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.password is not None or "@" in parts.netloc:
            hosts.append(host)
    return bool(hosts) and all(_nobody_elses_host(h) for h in hosts)


def is_real(relative: str, kind: str, value: str, line: str) -> bool:
    """Whether a detector's match ``value`` of ``kind`` on ``line`` of file ``relative`` is a
    credential a reviewer must hear about."""
    if kind in URL_KINDS:
        return not (is_local_url(line) or is_placeholder(value) or is_documentation(relative))
    if kind in KEYWORD_KINDS:
        if is_documentation(relative) or is_placeholder(value):
            return False
        return len(value) >= MIN_KEYWORD_LENGTH and entropy(value) >= MIN_KEYWORD_ENTROPY
    # A provider's key format: real unless it is a documented example or a template.
    return not is_placeholder(value) or (kind == "Private Key" and not is_documentation(relative))
