from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LoginBackend(ModelBackend):
    """ModelBackend that returns an inactive user whose password is right.

    The login form then says the account is deactivated instead of "wrong password";
    `get_user` still refuses inactive users, so a deactivated user's sessions stop working.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            # Same work as a real check, so timing does not tell which usernames exist.
            user_model().set_password(password)
            return None
        return user if user.check_password(password) else None

    def get_user(self, user_id):
        # Every page shows the user's team in the navbar: load it with the user.
        try:
            user = get_user_model()._default_manager.select_related("team").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        # Access is decided by rules (django-rules) and the teams policy; model permissions
        # only matter in the admin, which only staff reach. Nobody else pays their two queries
        # (a navbar that asks a denied rule fell through to them on every page).
        if not user_obj.is_staff and not user_obj.is_superuser:
            return set()
        return super().get_all_permissions(user_obj, obj)
