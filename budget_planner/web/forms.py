"""Every form of the site (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

MIN_PASSWORD = 8

try:  # WTForms 3.3 declares options as SelectChoice (tuples are deprecated there)
    from wtforms import SelectChoice as _SelectChoice
except ImportError:  # pragma: no cover - older WTForms takes tuples
    _SelectChoice = None


def choice(value: str, label: str):
    """One option of a select or radio field, in the form this WTForms version wants."""
    return _SelectChoice(value, label) if _SelectChoice is not None else (value, label)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField(
        "新密码",
        validators=[
            DataRequired("请输入新密码"),
            Length(min=MIN_PASSWORD, max=200, message=f"新密码至少 {MIN_PASSWORD} 位"),
        ],
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")],
    )

    def validate_new(self, field) -> None:
        from flask_login import current_user

        from budget_planner.storage.accounts import password_problem

        if field.data == self.current.data:
            raise ValidationError("新密码不能与当前密码相同")
        problem = password_problem(field.data or "", getattr(current_user, "username", ""))
        if problem is not None:
            raise ValidationError(problem)


class UploadForm(FlaskForm):
    unit = SelectField("代为上传的单位", choices=[], validate_choice=True)
    files = MultipleFileField("报送文件（可一次选择多个）")
    attachment = FileField("盖章扫描件（可选，PDF 或图片）")

    def chosen_files(self) -> list:
        return [f for f in (self.files.data or []) if f and f.filename]

    def validate_files(self, _field) -> None:
        if not self.chosen_files():
            raise ValidationError("请至少选择一个文件")


class ReviewForm(FlaskForm):
    decision = RadioField(
        "审核意见",
        choices=[choice("approve", "通过"), choice("return", "退回修改")],
        validators=[InputRequired("请选择通过或退回修改")],
    )
    comment = TextAreaField("说明（退回时必填，填报单位可见）", validators=[Length(max=2000)])

    def validate_comment(self, field) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError("退回修改时请写明需要修改的内容")
