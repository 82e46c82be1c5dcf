from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_movement_corrections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WalletBalance',
            fields=[
                ('account_id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('settled_fen', fields.BigIntField(default=0)),
                ('pending_out_fen', fields.BigIntField(default=0)),
            ],
            options={'table': 'wallet_balance', 'app': 'models', 'pk_attr': 'account_id'},
            bases=['Model'],
        ),
        # Every wallet that has money movements starts with the sums of its ledger.
        ops.RunSQL(
            "INSERT INTO wallet_balance (account_id, settled_fen, pending_out_fen)"
            " SELECT account_id,"
            " COALESCE(SUM(CASE WHEN status = 'SETTLED' THEN amount_fen ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN status = 'PENDING' AND amount_fen < 0"
            " THEN -amount_fen ELSE 0 END), 0)"
            " FROM ledger_entry WHERE book = 'WALLET' GROUP BY account_id"
        ),
    ]
