export * from '../../../tools/test-helpers/xray-daemon.js'
