from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_staff_lockout_by_username_and_address')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AppManifest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('app', fields.CharField(max_length=64)),
                ('version', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'app_manifest', 'app': 'models', 'unique_together': (('app', 'version'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ManifestDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manifest', fields.ForeignKeyField('models.AppManifest', source_field='manifest_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('document_id', fields.CharField(db_index=True, max_length=64)),
                ('name', fields.CharField(max_length=128)),
                ('body', fields.TextField(unique=False)),
            ],
            options={'table': 'manifest_document', 'app': 'models', 'unique_together': (('manifest_id', 'document_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
