from django.urls import path

from gongdan.accounts import settings_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/language/", views.language, name="language"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<str:prefix>/revoke/", views.token_revoke_view, name="token_revoke"),
    # Settings → Users, Teams, Desk (administrators).
    path("desk/settings/users/", settings_views.user_list, name="settings_users"),
    path("desk/settings/users/invite/", settings_views.user_invite, name="settings_user_invite"),
    path("desk/settings/users/<int:pk>/", settings_views.user_detail, name="settings_user"),
    path(
        "desk/settings/users/<int:pk>/deactivate/",
        settings_views.user_deactivate,
        name="settings_user_deactivate",
    ),
    path(
        "desk/settings/users/<int:pk>/reactivate/",
        settings_views.user_reactivate,
        name="settings_user_reactivate",
    ),
    path(
        "desk/settings/users/<int:pk>/password-link/",
        settings_views.user_password_link,
        name="settings_user_password_link",
    ),
    path(
        "desk/settings/users/<int:pk>/tokens/<str:prefix>/revoke/",
        settings_views.user_token_revoke,
        name="settings_user_token_revoke",
    ),
    path("desk/settings/teams/", settings_views.team_list, name="settings_teams"),
    path("desk/settings/teams/new/", settings_views.team_new, name="settings_team_new"),
    path("desk/settings/teams/<int:pk>/", settings_views.team_detail, name="settings_team"),
    path(
        "desk/settings/teams/<int:pk>/active/",
        settings_views.team_active,
        name="settings_team_active",
    ),
    path("desk/settings/desk/", settings_views.desk_page, name="settings_desk"),
    path("desk/logo/<int:version>/", settings_views.desk_logo, name="desk_logo"),
]
