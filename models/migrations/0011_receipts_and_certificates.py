from tortoise import migrations
from tortoise.migrations import operations as ops
from models.certificate import CertificateKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_hot_path_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ClosureRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('account_id', fields.UUIDField()),
                ('kind', fields.CharEnumField(description='CLOSURE: CLOSURE\nERASURE: ERASURE', enum_type=CertificateKind, max_length=16)),
                ('verification_code', fields.CharField(unique=True, max_length=16)),
                ('key_id', fields.CharField(max_length=64)),
                ('jws', fields.TextField(unique=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('purged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'certificate', 'app': 'models', 'unique_together': (('request_id', 'kind'),), 'indexes': [Index(fields=['account_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SigningKey',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('private_key_encrypted', fields.TextField(unique=False)),
                ('public_key', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signing_key', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ClosureRequest',
            name='receipt_hash',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AddField(
            model_name='ClosureRequest',
            name='receipt_revoked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
