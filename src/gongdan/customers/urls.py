from django.urls import path

from gongdan.customers import views

app_name = "customers_desk"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
]
