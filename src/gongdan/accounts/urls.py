from django.urls import path

from gongdan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/language/", views.language, name="language"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<str:prefix>/revoke/", views.token_revoke_view, name="token_revoke"),
]
