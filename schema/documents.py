"""Trusted documents: the contract's operations as an Apollo persisted query manifest
(`schema/operations.json`), and the bounded store of documents registered over APQ."""

import functools
import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    Source,
    TokenKind,
    parse,
    specified_rules,
    validate,
)
from graphql.language import Lexer

from schema.limits import MAX_TOKENS, VALIDATION_RULES

MANIFEST = Path(__file__).resolve().parent / "operations.json"


def operations_of(contract: str) -> dict[str, str]:
    """Each `query|mutation Name ... { ... }` of a contract file, exactly as written."""
    body = "\n".join(line for line in contract.splitlines() if not line.lstrip().startswith("#"))
    found = {}
    for match in re.finditer(r"^(query|mutation) (\w+)", body, re.M):
        depth, i = 0, body.index("{", match.start())
        while True:
            depth += body[i] == "{"
            depth -= body[i] == "}"
            i += 1
            if depth == 0:
                break
        found[match.group(2)] = body[match.start() : i]
    return found


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def digest_of(document_id: str) -> str:
    """A document id as clients send it — `sha256:<hex>` (GraphQL over HTTP's persisted
    documents, GraphQL Code Generator) or bare hex (Apollo) — as bare lower-case hex."""
    return document_id.removeprefix("sha256:").lower()


def canonical(body: str) -> str | None:
    """The document's tokens, one space apart: two bodies that differ only in ignored tokens
    (white space, commas, comments) are the same document. None if it does not lex."""
    lexer, tokens = Lexer(Source(body)), []
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind in (TokenKind.STRING, TokenKind.BLOCK_STRING):
                tokens.append(json.dumps(token.value))
            else:
                tokens.append(token.value if token.value is not None else token.kind.value)
            token = lexer.advance()
    except GraphQLSyntaxError:
        return None
    return " ".join(tokens)


# Lexing a document costs more than answering `Me`: the canonical forms of the last texts
# seen are kept (small ones only, so that the cache stays within a few MiB).
CACHED_TEXT = 8 * 1024
recent_canonical = functools.lru_cache(maxsize=256)(canonical)


def manifest(contract: str) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha256(body), "name": name, "type": body.split(" ", 1)[0], "body": body}
            for name, body in operations_of(contract).items()
        ],
    }


def manifest_operations() -> list[dict[str, str]]:
    """The committed manifest's operations: id, name, type, body."""
    operations: list[dict[str, str]] = json.loads(MANIFEST.read_text())["operations"]
    return operations


def trusted() -> dict[str, str]:
    """id -> body of every operation in the committed manifest."""
    return {op["id"]: op["body"] for op in manifest_operations()}


class Trusted:
    """The documents a server runs in trusted mode, found by id or by their text up to
    ignored tokens."""

    def __init__(self, by_id: dict[str, str]) -> None:
        self.by_id = by_id
        self.by_text = {canonical(body): body for body in by_id.values()}

    def find(self, query: str) -> str | None:
        """The trusted body that this text is, whatever its white space, commas, comments."""
        if sha256(query) in self.by_id:
            return query
        if len(query) > MAX_TEXT:
            return None
        # a text typed by hand comes again and again (GraphiQL, tools): small ones are cached
        form = recent_canonical(query) if len(query) <= CACHED_TEXT else canonical(query)
        return self.by_text.get(form)

    def bodies(self) -> list[str]:
        return list(self.by_id.values())


MAX_TEXT = 64 * 1024  # the body limit: more is refused before it gets here


class Registered:
    """Documents registered over APQ outside production: bounded in number and size, the
    least recently used dropped first, so that a flood cannot grow memory."""

    def __init__(self, max_documents: int = 1000, max_bytes: int = 16 * 1024) -> None:
        self.max_documents, self.max_bytes = max_documents, max_bytes
        self._documents: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        body = self._documents.get(digest)
        if body is not None:
            self._documents.move_to_end(digest)
        return body

    def add(self, digest: str, body: str) -> None:
        if len(body.encode()) > self.max_bytes:
            return  # runs this once, is not kept
        self._documents[digest] = body
        self._documents.move_to_end(digest)
        while len(self._documents) > self.max_documents:
            self._documents.popitem(last=False)

    def __len__(self) -> int:
        return len(self._documents)


@dataclass(frozen=True)
class Document:
    id: str  # SHA-256 of body, hex
    name: str
    body: str


class ManifestRefused(ValueError):
    """A manifest that cannot be registered; `problems` says which operation and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_manifest(text: str, schema: GraphQLSchema) -> list[Document]:
    """The documents of an app build's manifest — Apollo's persisted query manifest
    (`@apollo/generate-persisted-query-manifest`) or GraphQL Code Generator's
    `persisted-documents.json` — each checked against the schema and the document limits;
    ManifestRefused naming every operation that fails, and why."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestRefused([f"not JSON: {error}"]) from None
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        entries = [
            (op.get("id"), op.get("body"))
            for op in data.get("operations") or []
            if isinstance(op, dict)
        ]
    elif isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        entries = [(digest_of(key), body) for key, body in data.items()]
    else:
        raise ManifestRefused(
            [
                "neither an Apollo persisted query manifest nor a "
                "persisted-documents.json of GraphQL Code Generator"
            ]
        )
    documents, problems = [], []
    rules = [*specified_rules, *VALIDATION_RULES]
    for number, (document_id, body) in enumerate(entries, 1):
        label = f"document {number}"
        if not isinstance(document_id, str) or not isinstance(body, str):
            problems.append(f"{label}: needs an id and a body")
            continue
        try:
            parsed = parse(body, max_tokens=MAX_TOKENS)
        except GraphQLSyntaxError as error:
            problems.append(f"{label}: {error.message}")
            continue
        operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
        name = operations[0].name.value if len(operations) == 1 and operations[0].name else None
        label = name or label
        if name is None:
            problems.append(f"{label}: needs exactly one named operation")
        elif sha256(body) != document_id.lower():
            problems.append(f"{label}: its id is not the SHA-256 of its body")
        elif errors := validate(schema, parsed, rules):
            problems.append(f"{label}: {errors[0].message}")
        else:
            documents.append(Document(document_id.lower(), name, body))
    if problems:
        raise ManifestRefused(problems)
    if not documents:
        raise ManifestRefused(["the manifest has no documents"])
    return documents
