from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_wallet_balances')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['account_id', 'seq']),
        ),
        ops.AddIndex(
            model_name='AutoPayAgreement',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='BankCard',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='LedgerEntry',
            index=Index(fields=['account_id', 'book', 'id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['account_id']),
        ),
        # On SQLite, earlier migrations rebuilt these tables to alter a column and the
        # rebuilt tables lost their indexes; PostgreSQL has them already (same names).
        *[ops.RunSQL(f'CREATE {kind} IF NOT EXISTS "{name}" ON "{table}" ({columns})')
          for kind, name, table, columns in [
              ("INDEX", "idx_ledger_entr_account_c76201", "ledger_entry",
               '"account_id", "book", "status"'),
              ("INDEX", "idx_outbox_mess_account_05ccb2", "outbox_message", '"account_id"'),
              ("INDEX", "idx_outbox_mess_status_4d04e0", "outbox_message",
               '"status", "next_attempt_at"'),
              ("INDEX", "idx_closure_req_state_0ffd28", "closure_request", '"state"'),
              ("UNIQUE INDEX", "uid_closure_req_account_3ef59d", "closure_request",
               '"account_id", "idempotency_key"'),
              # 0004 added the column without the index it declares, on both databases
              ("INDEX", "idx_challenge_client_key", "challenge", '"client_key"'),
          ]],
    ]
