// The client import pages. On the upload form, the file is sent with XMLHttpRequest so
// that the page can show how much of it has been uploaded. On an import's page, the
// progress is read from its JSON form every second until the import finishes, and the
// page then reloads to list the outcome. Without JavaScript both pages still work: the
// form posts normally and the import's page has a Refresh link.
(function () {
  "use strict";

  function showUploadError(form, message, fields) {
    const box = document.getElementById("upload-error");
    box.textContent = "";
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = message;
    box.appendChild(p);
    ["file", "organisation_id"].forEach(function (name) {
      const input = form.elements[name];
      const note = document.getElementById(name + "-error");
      const text = (fields && fields[name]) || "";
      note.textContent = text;
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  function wireUpload(form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      const button = document.getElementById("upload");
      const bar = document.getElementById("upload-bar");
      const percent = document.getElementById("upload-percent");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf_token.value);
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable) return;
        const p = Math.round((ev.loaded / ev.total) * 100);
        bar.value = p;
        percent.textContent = p + "%";
      });
      xhr.addEventListener("load", function () {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 202 && body && body.url) {
          window.location.assign(body.url);
          return;
        }
        button.disabled = false;
        document.getElementById("upload-progress").hidden = true;
        if (body && body.error) showUploadError(form, body.error.message, body.error.fields);
        else showUploadError(form, "The upload failed (HTTP " + xhr.status + "). Try again.", null);
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        showUploadError(form, "The upload was interrupted. Check your connection and try again.", null);
      });
      button.disabled = true;
      document.getElementById("upload-progress").hidden = false;
      xhr.send(new FormData(form));
    });
  }

  function wireStatus(box) {
    if (box.dataset.finished === "true") return;
    const url = "/imports/" + box.dataset.importId;
    const bar = document.getElementById("import-bar");
    const count = document.getElementById("import-count");
    const state = document.getElementById("import-state");
    const labels = { queued: "Waiting to start", checking: "Checking rows", importing: "Importing" };
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
        .then(function (imp) {
          if (imp.finished) {
            window.location.reload();
            return;
          }
          if (imp.total_rows > 0) {
            bar.max = imp.total_rows;
            bar.value = imp.checked_rows;
          }
          count.textContent = imp.checked_rows + " of " + imp.total_rows;
          state.textContent = labels[imp.status] || imp.status;
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("import-form");
    if (form && window.FormData && window.XMLHttpRequest) wireUpload(form);
    const box = document.getElementById("import-status");
    if (box) wireStatus(box);
  });
})();
