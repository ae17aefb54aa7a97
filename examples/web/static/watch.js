// Loaded first: records what the server's content policy refuses (anything
// not from the page's own server) in window.kilnViolations; the browser
// test expects none.
'use strict';
window.kilnViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.kilnViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
