export { formatStats, type Io, main, USAGE } from './cli.js'
export { type CliErrorCode, cliCodes } from './errors.js'
export { type Hop, hopsOf, type Invocation } from './hops.js'
export { escapeHtml, renderHtml } from './html.js'
export {
  type LogRecord,
  MAX_LINE_LENGTH,
  type MalformedReason,
  type ParsedLine,
  type PlatformRecord,
  parseLine,
} from './line.js'
export { eachLine, labelOf, readStory, type StoryInput } from './read.js'
export {
  belongsTo,
  createStoryCollector,
  type Story,
  type StoryCollector,
  type StoryLine,
  type StoryStats,
} from './story.js'
export {
  columns,
  errorOf,
  formatDuration,
  formatOffset,
  formatStory,
  formatWaterfall,
  printable,
  type TextOptions,
} from './text.js'
export { VERSION } from './version.js'
