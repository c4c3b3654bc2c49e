// The Vant components the member pages use, each with its own styles (not the whole library).
import { Button, Cell, CellGroup, Dialog, Empty, Field, Grid, GridItem, Icon, Image as VanImage, List, Loading, NavBar, Popup,
  Progress, PullRefresh, Radio, RadioGroup, Skeleton, Stepper, Swipe, SwipeItem, Tab, Tabbar, TabbarItem, Tabs, Tag, Toast } from 'vant'
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/dialog/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/field/style/index'
import 'vant/es/grid/style/index'
import 'vant/es/grid-item/style/index'
import 'vant/es/icon/style/index'
import 'vant/es/image/style/index'
import 'vant/es/list/style/index'
import 'vant/es/loading/style/index'
import 'vant/es/nav-bar/style/index'
import 'vant/es/popup/style/index'
import 'vant/es/progress/style/index'
import 'vant/es/pull-refresh/style/index'
import 'vant/es/radio/style/index'
import 'vant/es/radio-group/style/index'
import 'vant/es/skeleton/style/index'
import 'vant/es/stepper/style/index'
import 'vant/es/swipe/style/index'
import 'vant/es/swipe-item/style/index'
import 'vant/es/tab/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tabs/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/toast/style/index'

const components = [Button, Cell, CellGroup, Dialog, Empty, Field, Grid, GridItem, Icon, VanImage, List, Loading, NavBar, Popup,
  Progress, PullRefresh, Radio, RadioGroup, Skeleton, Stepper, Swipe, SwipeItem, Tab, Tabbar, TabbarItem, Tabs, Tag, Toast]

export default {
  install(app) {
    for (const c of components) app.use(c)
  }
}
