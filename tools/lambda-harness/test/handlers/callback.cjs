// A nodejs20/22-style callback handler: three parameters, result through the callback.
exports.handler = (event, _context, callback) => {
  setTimeout(() => callback(null, { via: 'callback', event }), 5)
}
