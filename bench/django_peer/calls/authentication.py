"""What SimpleJWT's JWTAuthentication does, with PyJWT (SimpleJWT is not packaged by Debian):
decode the Bearer token with the signing key, accept only access tokens, and load the
user it names, once per request."""
import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions


class JWTAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer" or len(header) != 2:
            return None
        try:
            claims = jwt.decode(header[1], settings.SECRET_KEY, algorithms=["HS256"])
        except jwt.PyJWTError:
            raise exceptions.AuthenticationFailed("Given token not valid for any token type")
        if claims.get("token_type") != "access":
            raise exceptions.AuthenticationFailed("Token has wrong type")
        try:
            user = get_user_model().objects.get(id=claims["user_id"])
        except get_user_model().DoesNotExist:
            raise exceptions.AuthenticationFailed("User not found")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User is inactive")
        return user, claims

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
