// Express 4 and Koa 2 are installed under aliases for the compatibility test; they are typed with
// the current majors' declarations, close enough for what the test calls.
declare module 'express4' {
  import express from 'express'
  export default express
}
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
