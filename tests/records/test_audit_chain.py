"""`wallet-closure verify-audit` notices an edited, a removed and a reordered entry."""

import os
import subprocess
import sys

from tortoise.transactions import in_transaction

from models import AuditEntry, StaffAuditEntry, StaffRole
from services.records import audit
from services.runtime import Runtime
from services.support import staff
from tests import factories
from tests.conftest import TEST_SECRET


async def write_entries(rt: Runtime, count: int) -> None:
    account = await factories.account(rt)
    for _ in range(count - 1):
        await audit.logged_out(rt, account_id=account.id, at=rt.clock.now())


def verify_audit(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "verify-audit", *args],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "WALLET_DATABASE_URL": database_url,
            "WALLET_SECRET_KEY": TEST_SECRET.decode(),
        },
        timeout=60,
        check=False,
    )


async def test_an_untouched_chain_verifies(orm: str, runtime: Runtime) -> None:
    await write_entries(runtime, 4)

    result = verify_audit(orm)

    last = await AuditEntry.get(seq=4)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "audit chain verifies",
        "staff audit chain verifies",
        f"head: 4:{last.hash}+0:{audit.GENESIS}",
    ]


async def test_entries_removed_from_the_end_are_found_against_an_anchor(
    orm: str, runtime: Runtime
) -> None:
    await write_entries(runtime, 4)
    head = verify_audit(orm).stdout.splitlines()[-1].removeprefix("head: ")
    await AuditEntry.filter(seq=4).delete()

    without_anchor = verify_audit(orm)
    with_anchor = verify_audit(orm, "--anchor", head)
    with_old_anchor = verify_audit(orm, "--anchor", head.partition("+")[0])

    assert without_anchor.returncode == 0
    assert with_anchor.returncode == with_old_anchor.returncode == 1
    assert "entry 4: the anchored entry is gone or different" in with_anchor.stdout


async def test_staff_entries_removed_from_the_end_are_found_against_an_anchor(
    orm: str, runtime: Runtime
) -> None:
    await write_entries(runtime, 2)
    for username in ("wang", "lihua", "zhao"):
        await staff.add(runtime, username=username, password="Staff-pass-1", role=StaffRole.AGENT)
    head = verify_audit(orm).stdout.splitlines()[-1].removeprefix("head: ")
    await StaffAuditEntry.filter(seq__gte=2).delete()

    without_anchor = verify_audit(orm)
    with_anchor = verify_audit(orm, "--anchor", head)

    assert head.partition("+")[2].startswith("3:")
    assert without_anchor.returncode == 0
    assert with_anchor.returncode == 1
    assert "staff entry 3: the anchored entry is gone or different" in with_anchor.stdout
    assert "audit chain verifies" in with_anchor.stdout.splitlines()


async def test_an_edited_entry_is_found(orm: str, runtime: Runtime) -> None:
    await write_entries(runtime, 4)
    await AuditEntry.filter(seq=2).update(action="ACCOUNT_CREATED")

    result = verify_audit(orm)

    assert result.returncode == 1
    assert "entry 2: was changed after it was written" in result.stdout


async def test_a_removed_entry_is_found(orm: str, runtime: Runtime) -> None:
    await write_entries(runtime, 4)
    await AuditEntry.filter(seq=3).delete()

    result = verify_audit(orm)

    assert result.returncode == 1
    assert "entry 4: expected entry 3 here" in result.stdout


async def test_an_edit_with_recomputed_hashes_is_found_without_the_key(
    orm: str, runtime: Runtime
) -> None:
    # given an attacker who edits an entry and re-chains everything after it
    await write_entries(runtime, 4)
    entries = await AuditEntry.all().order_by("seq")
    prev = entries[0].hash
    for entry in entries[1:]:
        action = "ACCOUNT_CREATED" if entry.seq == 2 else entry.action
        forged = audit.entry_hash(
            b"guessed key",
            seq=entry.seq,
            at=entry.at,
            account_id=entry.account_id,
            action=action,
            data=entry.data,
            prev_hash=prev,
        )
        await AuditEntry.filter(id=entry.id).update(action=action, prev_hash=prev, hash=forged)
        prev = forged

    result = verify_audit(orm)

    assert result.returncode == 1
    assert "entry 2: was changed after it was written" in result.stdout


async def test_swapped_entries_are_found(orm: str, runtime: Runtime) -> None:
    await write_entries(runtime, 4)
    second, third = await AuditEntry.get(seq=2), await AuditEntry.get(seq=3)
    async with in_transaction():
        for row, other in ((second, third), (third, second)):
            await AuditEntry.filter(id=row.id).update(seq=-other.seq)
        for row, other in ((second, third), (third, second)):
            await AuditEntry.filter(id=row.id).update(
                seq=other.seq,
                at=other.at,
                action=other.action,
                data=other.data,
                prev_hash=other.prev_hash,
                hash=other.hash,
            )

    result = verify_audit(orm)

    assert result.returncode == 1
    assert "does not follow the entry before it" in result.stdout


async def test_the_chain_is_read_in_batches(runtime: Runtime) -> None:
    await write_entries(runtime, 5)

    result = await audit.verify_chain(TEST_SECRET, batch=2)

    last = await AuditEntry.get(seq=5)
    assert (result.breaks, result.head) == ([], (5, last.hash))
