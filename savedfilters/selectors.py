from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import SavedFilter


def saved_filter_list(*, user: AbstractBaseUser, changelist: str) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user, changelist=changelist)
