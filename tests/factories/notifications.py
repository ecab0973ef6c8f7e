import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from notifications.kinds import Kind
from notifications.models import Notification

from .teams import UserFactory


class NotificationFactory(DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.TASK_DUE
    key = factory.Sequence(lambda n: f"test/{n}")
    title = "Task due: %(task)s"
    args = factory.LazyAttribute(lambda n: {"task": f"Call back {n.key}"})

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
