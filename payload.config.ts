import { loadConfig } from './src/config/env'
import { createPayloadConfig } from './src/payload-config'

export default createPayloadConfig(loadConfig())
