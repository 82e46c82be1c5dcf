from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.closure import ClosureState
from models.ledger import Book
from models.staff import RefundStatus, StaffRole
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_movement_kinds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FailedLogin',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_key', fields.CharField(db_index=True, max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'failed_login', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffAuditEntry',
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
            options={'table': 'staff_audit_entry', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffUser',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=32)),
                ('password_hash', fields.CharField(max_length=255)),
                ('totp_secret_encrypted', fields.CharField(max_length=255)),
                ('last_totp_step', fields.BigIntField(default=0)),
                ('role', fields.CharEnumField(description='AGENT: AGENT\nSUPERVISOR: SUPERVISOR\nAUDITOR: AUDITOR', enum_type=StaffRole, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('disabled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failed_logins', fields.IntField(default=0)),
                ('failure_window_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OfflineRefund',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='offline_refunds', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(db_index=True, description='PROPOSED: PROPOSED\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=RefundStatus, max_length=16)),
                ('amount_fen', fields.BigIntField()),
                ('payee_name', fields.CharField(max_length=64)),
                ('payee_bank', fields.CharField(max_length=64)),
                ('payee_account', fields.CharField(max_length=34)),
                ('note', fields.CharField(default='', max_length=500)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('proposed_by', fields.ForeignKeyField('models.StaffUser', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name='refunds_proposed', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.StaffUser', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='refunds_decided', on_delete=OnDelete.CASCADE)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=500)),
                ('movement_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'offline_refund', 'app': 'models', 'unique_together': (('account_id', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('models.StaffUser', source_field='staff_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_session', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ClosureRequest',
            name='state',
            field=fields.CharEnumField(db_index=True, description='STARTED: STARTED\nCODE_SENT: CODE_SENT\nVERIFIED: VERIFIED\nUNDER_REVIEW: UNDER_REVIEW\nCONFIRMED: CONFIRMED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nREJECTED: REJECTED\nRESTORED: RESTORED', enum_type=ClosureState, max_length=16),
        ),
        ops.AddField(
            model_name='ClosureRequest',
            name='review_note',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='ClosureRequest',
            name='review_reasons',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AlterField(
            model_name='ClosureStep',
            name='state',
            field=fields.CharEnumField(description='STARTED: STARTED\nCODE_SENT: CODE_SENT\nVERIFIED: VERIFIED\nUNDER_REVIEW: UNDER_REVIEW\nCONFIRMED: CONFIRMED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nREJECTED: REJECTED\nRESTORED: RESTORED', enum_type=ClosureState, max_length=16),
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='book',
            field=fields.CharEnumField(description='WALLET: WALLET\nTOP_UP_CLEARING: TOP_UP_CLEARING\nPAYOUT_CLEARING: PAYOUT_CLEARING\nOFFLINE_REFUND_CLEARING: OFFLINE_REFUND_CLEARING', enum_type=Book, max_length=24),
        ),
    ]
