import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from teams.models import Role, Team, User

PASSWORD = "correct-horse-battery-9"


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.TEAM


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.SALES_REP
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        manager = factory.Trait(role=Role.SALES_MANAGER)
        admin = factory.Trait(role=Role.ADMIN)
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def role_group(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            obj.groups.set([Group.objects.get_or_create(name=obj.role)[0]])
