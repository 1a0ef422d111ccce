// synopsis web: citation markers, the reader's claim highlighting, the upload form.
(function () {
  "use strict";

  // A citation marker opens the line's evidence and marks the cited article's sentence.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.cite") : null;
    if (!button) { return; }
    var box = document.getElementById(button.getAttribute("aria-controls"));
    if (!box) { return; }
    var wasOpen = button.getAttribute("aria-expanded") === "true";
    var line = button.closest(".line");
    if (line) {
      line.querySelectorAll("button.cite").forEach(function (other) {
        other.setAttribute("aria-expanded", "false");
      });
    }
    if (wasOpen) { box.hidden = true; return; }
    button.setAttribute("aria-expanded", "true");
    box.hidden = false;
    box.querySelectorAll(".ev-item").forEach(function (item) {
      item.classList.toggle("active", item.getAttribute("data-article") === button.getAttribute("data-article"));
    });
  });

  // Reader: pointing at a shared sentence outlines every sentence of its claim.
  function focusClaim(claim) {
    document.querySelectorAll(".sent.focus").forEach(function (el) { el.classList.remove("focus"); });
    if (!claim) { return; }
    document.querySelectorAll('.sent[data-claim="' + claim + '"]').forEach(function (el) {
      el.classList.add("focus");
    });
  }
  document.addEventListener("mouseover", function (event) {
    var sent = event.target.closest ? event.target.closest(".sent.shared") : null;
    focusClaim(sent ? sent.getAttribute("data-claim") : null);
  });

  // Upload: send the form as JSON or files, with the bearer token, and show the outcome.
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var out = document.getElementById("upload-result");
    var token = form.elements.token.value;
    var files = form.elements.files.files;
    var body;
    var headers = { "Authorization": "Bearer " + token };
    var endpoint = form.getAttribute("data-endpoint");
    var fetchUrl = form.elements.fetch.value.trim();
    if (fetchUrl) {
      endpoint += "/from-url";
      body = JSON.stringify({ url: fetchUrl });
      headers["Content-Type"] = "application/json";
    } else if (files && files.length) {
      body = new FormData();
      for (var i = 0; i < files.length; i++) { body.append("files", files[i]); }
    } else {
      var article = {};
      ["title", "outlet", "url", "published", "text"].forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) { article[name] = value; }
      });
      body = JSON.stringify(article);
      headers["Content-Type"] = "application/json";
    }
    out.className = "notice";
    out.textContent = "Uploading…";
    fetch(endpoint, { method: "POST", headers: headers, body: body })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        out.textContent = "";
        if (!result.ok) {
          out.className = "notice error";
          out.textContent = String(result.data.detail || "upload refused");
          return;
        }
        var data = result.data;
        var summary = document.createElement("p");
        summary.textContent = data.added.length + " added, " + data.unchanged.length +
          " unchanged, " + data.failures.length + " failed.";
        out.appendChild(summary);
        var list = document.createElement("ul");
        Object.keys(data.placed).forEach(function (articleId) {
          var item = document.createElement("li");
          var storyId = data.placed[articleId];
          var link = document.createElement("a");
          link.href = storyId ? "/stories/" + encodeURIComponent(storyId) : "/articles/" + encodeURIComponent(articleId);
          link.textContent = storyId ? "story " + storyId : "article " + articleId;
          item.appendChild(document.createTextNode(articleId + " → "));
          item.appendChild(link);
          list.appendChild(item);
        });
        data.failures.forEach(function (failure) {
          var item = document.createElement("li");
          item.textContent = failure.input + ": " + failure.reason;
          list.appendChild(item);
        });
        out.appendChild(list);
      })
      .catch(function (error) {
        out.className = "notice error";
        out.textContent = String(error);
      });
  });
})();
