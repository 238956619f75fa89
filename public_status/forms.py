"""The two forms, both CSRF-protected by Flask-WTF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    case_number = StringField(
        _l("Case number"), validators=[InputRequired(message=_l("Enter the case number.")), Length(max=32)]
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(message=_l("Enter the password.")), Length(max=64)]
    )


class LogoutForm(FlaskForm):
    pass
