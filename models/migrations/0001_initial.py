from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.account import AccountStatus
from models.ledger import Book, EntryStatus, WithdrawalStatus
from models.outbox import OutboxStatus
from models.verification import ChallengeKind, Purpose
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('phone', fields.CharField(null=True, unique=True, max_length=20)),
                ('display_name', fields.CharField(default='', max_length=64)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('status', fields.CharEnumField(default=AccountStatus.ACTIVE, description='ACTIVE: ACTIVE\nCLOSING: CLOSING\nCLOSED: CLOSED\nPURGED: PURGED', enum_type=AccountStatus, max_length=16)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(unique=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('account_id', fields.UUIDField(null=True, db_index=True)),
                ('action', fields.CharField(max_length=40)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AutoPayAgreement',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='auto_pay_agreements', on_delete=OnDelete.CASCADE)),
                ('merchant', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'auto_pay_agreement', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BankCard',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='cards', on_delete=OnDelete.CASCADE)),
                ('bank_name', fields.CharField(max_length=64)),
                ('last4', fields.CharField(max_length=4)),
                ('bound_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('unbound_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bank_card', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Challenge',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='CAPTCHA: CAPTCHA\nSMS_CODE: SMS_CODE', enum_type=ChallengeKind, max_length=16)),
                ('purpose', fields.CharEnumField(description='LOGIN: LOGIN\nCLOSURE: CLOSURE\nRESTORE: RESTORE', enum_type=Purpose, max_length=16)),
                ('phone_key', fields.CharField(null=True, db_index=True, max_length=64)),
                ('account_id', fields.UUIDField(null=True)),
                ('answer_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'challenge', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('movement_id', fields.UUIDField()),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.CASCADE)),
                ('book', fields.CharEnumField(description='WALLET: WALLET\nTOP_UP_CLEARING: TOP_UP_CLEARING\nPAYOUT_CLEARING: PAYOUT_CLEARING', enum_type=Book, max_length=24)),
                ('amount_fen', fields.BigIntField()),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nSETTLED: SETTLED\nVOIDED: VOIDED', enum_type=EntryStatus, max_length=16)),
                ('description', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['account_id', 'book', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.UUIDField(null=True, db_index=True)),
                ('to_phone', fields.CharField(null=True, max_length=20)),
                ('purpose', fields.CharField(max_length=32)),
                ('text', fields.TextField(unique=False)),
                ('code', fields.CharField(null=True, max_length=12)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=OutboxStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=255)),
            ],
            options={'table': 'outbox_message', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PasswordThrottle',
            fields=[
                ('phone_key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('failures', fields.IntField(default=0)),
                ('window_started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_throttle', 'app': 'models', 'pk_attr': 'phone_key'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('device_name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Withdrawal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='withdrawals', on_delete=OnDelete.CASCADE)),
                ('card', fields.ForeignKeyField('models.BankCard', source_field='card_id', db_constraint=True, to_field='id', related_name='withdrawals', on_delete=OnDelete.CASCADE)),
                ('movement_id', fields.UUIDField()),
                ('amount_fen', fields.BigIntField()),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nSETTLED: SETTLED\nFAILED: FAILED', enum_type=WithdrawalStatus, max_length=16)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'withdrawal', 'app': 'models', 'unique_together': (('account_id', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
