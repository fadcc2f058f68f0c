// Starts the Express example: Stytch with STYTCH_PROJECT_ID/STYTCH_SECRET, else the local server with demo data.
import { serveExample } from '../shared/serve.js'
import { createApp } from './app.js'

await serveExample(createApp, 'npm start')
