"""Workspace forms for articles; they only parse — the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team
from gongdan.customers.models import Organization
from gongdan.knowledge import services
from gongdan.knowledge.choices import ArticleLanguage, Visibility
from gongdan.knowledge.models import Article, Category


class DateInput(forms.DateInput):
    input_type = "date"


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    body = forms.CharField(
        label=_("Body (Markdown)"),
        required=False,
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16, "class": "form-control font-monospace"}),
        help_text=_("Markdown: # headings, **bold**, lists, tables, [links](url), ![images](url)."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Who may read it when the visibility is “listed organizations only”."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    review_by = forms.DateField(label=_("Review by"), required=False, widget=DateInput)
    note = forms.CharField(label=_("What changed"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        if article is not None:
            del fields["language"]  # a variant's language is fixed; add another variant instead
        else:
            del fields["note"]
        style_fields(self)

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "body": article.body,
            "category": article.category_id,
            "tags": ", ".join(t.name for t in article.tags.all()),
            "visibility": article.visibility,
            "organizations": [o.pk for o in article.organizations.all()],
            "team": article.team_id,
            "review_by": article.review_by,
            "version": article.version,
        }

    def data_(self) -> services.ArticleData:
        d = self.cleaned_data
        return services.ArticleData(
            title=d.get("title") or "",
            body=d.get("body") or "",
            category=d.get("category"),
            tags=services.tags_parse(d.get("tags") or ""),
            visibility=d.get("visibility") or Visibility.INTERNAL,
            organizations=list(d.get("organizations") or []),
            team=d.get("team"),
            review_by=d.get("review_by"),
        )


class FileForm(forms.Form):
    file = forms.FileField(label=_("Image or attachment"))


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
