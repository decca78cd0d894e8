"""One error handler: a Chinese page for people, a fixed JSON body under /api/."""

from __future__ import annotations

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from budget_planner.errors import BudgetPlannerError
from budget_planner.storage.scope import NotFound, PermissionDenied, WorkflowConflict


class Unauthenticated(BudgetPlannerError):
    """The request names no valid credentials (an unknown or revoked API token): 401."""


TITLES = {
    400: "请求无效",
    401: "请先登录",
    403: "无权访问",
    404: "页面不存在",
    405: "不支持的操作",
    409: "无法进行此操作",
    413: "上传内容过大",
    429: "请稍后再试",
    500: "服务器内部错误",
}


def _message(status: int, error: Exception) -> str:
    if isinstance(error, CSRFError):
        return "页面已过期或缺少安全校验码，请返回上一页，刷新后重新提交。"
    if isinstance(error, BudgetPlannerError):
        return str(error)
    if status == 413:
        from budget_planner.web.upload_limits import size_message

        return size_message(request.max_content_length)
    described = getattr(error, "description", None)
    if status == 429 and described != getattr(type(error), "description", None):
        return str(described)  # a Chinese description given where it was raised
    return {
        400: "请求的内容不完整或格式不对，请返回上一页重试。",
        401: "请先登录后再访问。",
        403: "您的账号没有权限进行此操作。",
        404: "您访问的页面或文件不存在，或不属于您的单位。",
        405: "此页面不支持该操作，请从页面上的按钮进入。",
        429: "请求过于频繁，请稍后再试。",
        409: "该操作与当前状态不符，未作任何更改。",
    }.get(status, "服务器处理时出错，请稍后重试；如仍出错请联系管理员。")


TIMED_OUT = "登录已超时，请重新登录。"


def _back_path() -> str | None:
    """The page the visitor was on (a path of this site), to return to after signing in."""
    back = request.referrer or ""
    if not back.startswith(request.host_url):
        return None
    path = "/" + back[len(request.host_url) :]
    return path if not path.startswith(("//", "/login")) else None


def timed_out():
    """A form posted by a visitor who is not signed in (the session ran out, or the browser kept
    an old page): not a security failure to them — sign in again, then go back to that page."""
    flash(TIMED_OUT, "error")
    return redirect(url_for("auth.login", next=_back_path()), code=303)


def render_error(error: Exception):
    if isinstance(error, HTTPException):
        status = error.code or 500
    elif isinstance(error, NotFound):
        status = 404
    elif isinstance(error, PermissionDenied):
        status = 403
    elif isinstance(error, WorkflowConflict):
        status = 409
    elif isinstance(error, Unauthenticated):
        status = 401
    elif isinstance(error, BudgetPlannerError):
        status = 400
    else:
        status = 500
    if (
        isinstance(error, CSRFError)
        and not current_user.is_authenticated
        and not request.path.startswith("/api/")
    ):
        return timed_out()
    title = TITLES.get(status, "出错了")
    message = _message(status, error)
    if request.path.startswith("/api/"):
        body = {"error": {"status": status, "title": title, "message": message}}
        response = jsonify(body)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="budget_planner"'
        return response, status
    back = request.referrer or ""
    if not back.startswith(request.host_url) or back == request.url:
        back = ""
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, back=back
    )
    return page, status


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException | BudgetPlannerError):
        return render_error(error)
    if current_app.testing and not current_app.config.get("ERROR_PAGES_IN_TESTS"):
        raise error  # a test sees the traceback; people see the Chinese page
    current_app.logger.exception("未处理的异常：%s %s", request.method, request.path)
    return render_error(InternalServerError())


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(BudgetPlannerError, render_error)
    app.register_error_handler(Exception, handle_unexpected)
