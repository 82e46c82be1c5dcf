from tortoise import migrations
from tortoise.migrations import operations as ops
from models.ledger import MovementKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_captcha_clients')]

    initial = False

    operations = [
        # Added empty, filled from the free-text description it replaces, then required.
        ops.AddField(
            model_name='LedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='TOP_UP: TOP_UP\nPAYMENT: PAYMENT\nWITHDRAWAL: WITHDRAWAL\nOFFLINE_REFUND: OFFLINE_REFUND\nCORRECTION: CORRECTION', enum_type=MovementKind, max_length=24, null=True),
        ),
        ops.RunSQL(
            "UPDATE ledger_entry SET kind = CASE description"
            " WHEN 'top-up' THEN 'TOP_UP' WHEN 'withdrawal' THEN 'WITHDRAWAL'"
            " WHEN 'payment' THEN 'PAYMENT' ELSE 'CORRECTION' END"
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='TOP_UP: TOP_UP\nPAYMENT: PAYMENT\nWITHDRAWAL: WITHDRAWAL\nOFFLINE_REFUND: OFFLINE_REFUND\nCORRECTION: CORRECTION', enum_type=MovementKind, max_length=24),
        ),
        ops.RemoveField(model_name='LedgerEntry', name='description'),
    ]
