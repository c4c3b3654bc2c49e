// Vite build configuration for the yutang web console and the member pages (output: dist/, served by the
// server: the console at /, the member pages at /member.html).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const page = (file) => fileURLToPath(new URL(file, import.meta.url))
const pkg = (names) => new RegExp(`[\\\\/]node_modules[\\\\/](${names})[\\\\/]`)
const SHARED = pkg('vue|@vue|vue-router|vue-i18n|@intlify')
const VANT = pkg('vant|@vant')
const CHARTS = pkg('echarts|zrender')
const ELEMENT = pkg('element-plus|@element-plus')

export default defineConfig({
  base: '/',
  plugins: [vue()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // two pages: the staff console (Element Plus) and the members' H5 pages (Vant); they share only Vue itself
      input: { index: page('index.html'), member: page('member.html') },
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined
          if (SHARED.test(id)) return 'vue'
          if (VANT.test(id)) return 'vant'
          if (CHARTS.test(id)) return 'echarts'
          if (ELEMENT.test(id)) return 'element-plus'
          return 'vendor' // the rest is the console's (Element Plus's helpers)
        }
      }
    }
  },
  server: {
    proxy: {
      '/api': process.env.YT_API_URL || 'http://127.0.0.1:18080'
    }
  }
})
