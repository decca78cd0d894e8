// "复制" buttons: copy the text of the element named by data-copy (the page works without this)
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var name = button.getAttribute("data-copy");
    var source = document.getElementById(name);
    if (!source) return;
    source.select();
    var done = function () {
      var note = document.querySelector('[data-copied="' + name + '"]');
      if (note) note.hidden = false;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
