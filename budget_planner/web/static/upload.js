// The upload box (templates/uploads/index.html): files dropped on the dashed box are added to the
// chooser (Excel and Word to 报送文件, a PDF or image to 盖章扫描件), and the chosen files are
// listed in Chinese under each button — here and on every page with a file chooser (_macros.file_pick).
// The forms work without this script.
(function () {
  "use strict";
  var SHEETS = /\.(xlsx|xlsm|xls|docx)$/i;
  var SCANS = /\.(pdf|png|jpe?g|tiff?)$/i;

  function size(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
    return bytes + " 字节";
  }

  function show(input) {
    var list = document.getElementById(input.getAttribute("data-list"));
    if (!list) return;
    var none = document.querySelector('[data-none-for="' + list.id + '"]');
    list.textContent = "";
    var files = input.files || [];
    for (var i = 0; i < files.length; i++) {
      var item = document.createElement("li");
      item.textContent = files[i].name + "（" + size(files[i].size) + "）";
      list.appendChild(item);
    }
    if (none) none.textContent = files.length ? "已选择 " + files.length + " 个文件" : "未选择文件";
  }

  function put(input, files, replace) {
    var all = new DataTransfer();
    if (!replace) for (var i = 0; i < input.files.length; i++) all.items.add(input.files[i]);
    files.forEach(function (f) { all.items.add(f); });
    input.files = all.files;
    show(input);
  }

  function note(box, text) {
    var found = box.querySelector(".drop-note");
    if (!found) {
      found = document.createElement("p");
      found.className = "field-error drop-note";
      found.setAttribute("role", "status");
      box.insertBefore(found, box.querySelector(".actions"));
    }
    found.textContent = text;
    found.hidden = !text;
  }

  document.querySelectorAll("input[type=file][data-list]").forEach(function (input) {
    input.addEventListener("change", function () { show(input); });
    show(input);
  });

  document.querySelectorAll("[data-upload-box]").forEach(function (box) {
    var sheets = box.querySelector("#files");
    var scan = box.querySelector("#attachment");
    ["dragenter", "dragover"].forEach(function (name) {
      box.addEventListener(name, function (event) {
        event.preventDefault();
        box.classList.add("dragging");
      });
    });
    box.addEventListener("dragleave", function (event) {
      if (!box.contains(event.relatedTarget)) box.classList.remove("dragging");
    });
    box.addEventListener("drop", function (event) {
      event.preventDefault();
      box.classList.remove("dragging");
      var dropped = Array.prototype.slice.call(event.dataTransfer.files || []);
      var tables = dropped.filter(function (f) { return SHEETS.test(f.name); });
      var scans = dropped.filter(function (f) { return SCANS.test(f.name); });
      var other = dropped.filter(function (f) { return !SHEETS.test(f.name) && !SCANS.test(f.name); });
      if (tables.length && sheets) put(sheets, tables, false);
      if (scans.length && scan) put(scan, scans.slice(-1), true);
      note(box, other.length ? "不支持的文件类型，未加入：" + other.map(function (f) { return f.name; }).join("、") +
        "（报送文件须为 Excel 或 Word，扫描件须为 PDF 或图片）" : "");
    });
  });
})();
