// Runs first: records every error of the page (uncaught exceptions, failed
// promises, console.error) so report.js can write them into the page, where
// a test reading the DOM finds them.
(function () {
  "use strict";
  var errors = [];
  window.costopsReportErrors = errors;
  window.addEventListener("error", function (event) {
    errors.push(String(event.message || event.type));
  });
  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + String(event.reason));
  });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.map.call(arguments, String).join(" "));
    consoleError.apply(console, arguments);
  };
})();
