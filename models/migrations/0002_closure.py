from tortoise import migrations
from tortoise.migrations import operations as ops
from models.closure import ClosureReason, ClosureState
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClosureRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='closure_requests', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(db_index=True, description='STARTED: STARTED\nCODE_SENT: CODE_SENT\nVERIFIED: VERIFIED\nCONFIRMED: CONFIRMED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nREJECTED: REJECTED\nRESTORED: RESTORED', enum_type=ClosureState, max_length=16)),
                ('reason', fields.CharEnumField(description='NO_LONGER_USED: NO_LONGER_USED\nPRIVACY: PRIVACY\nSWITCHING_PROVIDER: SWITCHING_PROVIDER\nOTHER: OTHER', enum_type=ClosureReason, max_length=24)),
                ('comment', fields.CharField(default='', max_length=500)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('recoverable_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('recovery_notice_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'closure_request', 'app': 'models', 'unique_together': (('account_id', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClosureStep',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ClosureRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(description='STARTED: STARTED\nCODE_SENT: CODE_SENT\nVERIFIED: VERIFIED\nCONFIRMED: CONFIRMED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nREJECTED: REJECTED\nRESTORED: RESTORED', enum_type=ClosureState, max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'closure_step', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='closed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Account',
            name='legal_hold',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Account',
            name='purged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
