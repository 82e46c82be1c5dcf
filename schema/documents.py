"""Trusted documents: the contract's operations as an Apollo persisted query manifest
(`schema/operations.json`), and the bounded store of documents registered over APQ."""

import hashlib
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

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
        found[match.group(2)] = body[match.start():i]
    return found


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def manifest(contract: str) -> dict[str, Any]:
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": sha256(body), "name": name, "type": body.split(" ", 1)[0], "body": body}
        for name, body in operations_of(contract).items()]}


def trusted() -> dict[str, str]:
    """id -> body of every operation in the committed manifest."""
    return {op["id"]: op["body"] for op in json.loads(MANIFEST.read_text())["operations"]}


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
